"""demos/tuning/lesson.py: the lesson's answers against independent counts on the same searches."""
from demos.tuning import hero, lesson, search, trial


def test_the_grid_tries_three_learning_rates_and_random_more():
    assert lesson.distinct_learning_rates({"strategy": "Grid"}) == "3"  # ends and middle of the axis
    assert lesson.more_rates_than_grid({"strategy": "Random"}) == "Yes"
    assert lesson.more_rates_than_grid({"strategy": "Grid"}) == "No"


def test_successive_halving_starts_243_trials():
    # 243·1 + 81·2 + 27·6 + 9·18 = 729 epochs
    assert lesson.trials_started({"strategy": "Successive halving"}) == "243"
    assert lesson.trials_started({"strategy": "Random", "budget": "162"}) == "6"


def test_the_band_answers_read_the_medians_at_the_views_budget():
    band = hero.committed_band()
    m = hero.medians_at(band, 243)
    assert lesson.halving_or_random({"budget": "243"}) == ("Random" if m["Random"] > m["Successive halving"] else "Successive halving")
    assert lesson.halving_or_random({"budget": "243"}) == "Random"  # its promoted trials have not trained yet
    assert lesson.hyperband_or_halving({"budget": "162"}) == "Hyperband"


def test_the_test_answer_compares_the_winners_two_accuracies():
    s = search.run_search("Random", 1, trial.committed_table())
    t, epoch = s.winner()
    test = trial.committed_table().test[s.index[t], s.replicate[t], epoch - 1]
    assert lesson.test_below_validation({"strategy": "Random", "seed": "1"}) == ("Yes" if test < s.events_value(t, epoch) else "No")
