"""The reinforcement-learning page's logic, one module per view (pages/13_reinforcement_learning.py):

- `gridworld`        the MDP: layout string (validated), presets, deterministic dynamics equal to Gymnasium's
- `tabular`          Q-learning and SARSA updates, ε-greedy, the recorded run with a mid-run reward edit
- `hero`             the hero's replayed figure (V(s) or visits, greedy arrows and paths), returns, captions
- `inspector`        the last update of an episode, printed with its numbers
- `value_iteration`  dynamic programming: V*, the linear solve for a policy, the learners' gap to V*
- `policy_gradient`  REINFORCE on a k-armed bandit, with and without a baseline; the estimate's exact variance
- `exploration`      Q-learning at several ε on the grid; corridors of growing length (credit assignment)
- `reinforce_cartpole` REINFORCE with a policy network on CartPole, episode by episode (with or without a baseline)
- `cartpole`         CartPole-v1's dynamics written out (equal to Gymnasium's), greedy rollouts, the cart-pole player
- `dqn`              DQN: Q-network agent, replay buffer, target network, TD loss; recorded runs, the 5-seed band
- `dqn_views`        the DQN tab's band, returns + ε + sync marks, TD-error histogram, replay sample, captions
- `lesson`           the lesson's answers, computed
"""
