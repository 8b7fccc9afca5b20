"""The shared MLP against torch.nn: same logits, same gradients (autograd through nn.Linear)."""
import torch

from demos.distributed_learning import common


def test_the_mlp_and_its_gradients_match_torch_nn():
    params = common.init_mlp(3)
    net = torch.nn.Sequential(torch.nn.Linear(784, common.HIDDEN), torch.nn.ReLU(), torch.nn.Linear(common.HIDDEN, 10))
    with torch.no_grad():  # nn.Linear stores W as (out, in): ours is its transpose
        net[0].weight.copy_(params[0].T), net[0].bias.copy_(params[1])
        net[2].weight.copy_(params[2].T), net[2].bias.copy_(params[3])
    data = common.digits()
    x, y = data["x_fit"][:50], data["y_fit"][:50]
    loss, grads = common.loss_and_grads(params, x, y)
    reference = torch.nn.functional.cross_entropy(net(x), y)
    reference.backward()
    assert abs(loss - float(reference.detach())) < 1e-6
    assert torch.allclose(grads[0], net[0].weight.grad.T, atol=1e-7)
    assert torch.allclose(grads[3], net[2].bias.grad, atol=1e-7)
    assert len(common.flat(grads)) == 784 * common.HIDDEN + common.HIDDEN + common.HIDDEN * 10 + 10
    assert all(torch.equal(a, b) for a, b in zip(params, common.init_mlp(3)))  # seeded
    # splits: 3,500 fit, 500 validation, 1,000 held-out (models/data.py)
    assert (len(data["y_fit"]), len(data["y_val"]), len(data["y_test"])) == (3500, 500, 1000)
