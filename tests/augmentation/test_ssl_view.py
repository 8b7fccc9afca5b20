"""demos/augmentation/ssl_view.py: the similarity view's numbers are the batch's own."""

from demos.augmentation import contrastive, ssl_view


def test_similarity_view_counts_and_loss_are_the_batchs(pretrained):
    batch = ssl_view.batch_views(pretrained("ssl_digits"), 4, True, 0)
    assert batch.view1.shape == (4, 1, 28, 28) and batch.z1.shape[0] == 4
    s = contrastive.similarity_matrix(batch.z1, batch.z2).fill_diagonal_(-2)
    found = int((s.argmax(1) == contrastive.positive_index(4)).sum())
    caption = ssl_view.similarity_caption(batch, 0.3)
    assert f"For {found} of 8 views" in caption
    assert f"NT-Xent = {contrastive.nt_xent(batch.z1, batch.z2, 0.3).item():.3f} at τ = 0.3" in caption
    fig = ssl_view.similarity_figure(batch, 0.3)
    assert fig.data[0].z.shape == (8, 8) and len(fig.data[1].x) == 8  # one marked positive per row
    assert "no grey jitter" in ssl_view.views_caption(ssl_view.batch_views(pretrained("ssl_digits"), 2, False, 0))


def test_probe_captions_read_the_committed_results():
    results = ssl_view.probe_results()
    p = results["probe"]
    assert set(p) == {"ssl_digits", "ssl_digits_crop", "random", "supervised"}
    assert all(len(v) == len(results["fractions"]) for v in p.values())
    assert f"{p['ssl_digits'][-1]:.1%}" in ssl_view.probe_caption(results)
    wins = sum(a > b for a, b in zip(p["ssl_digits"], p["ssl_digits_crop"]))
    assert f"at {wins} of {len(p['ssl_digits'])} label fractions" in ssl_view.ablation_caption(results)
