"""The distributed-learning page's logic, one module per view (pages/21_distributed_learning.py):

- `common`         the digits as flat vectors (fit / validation / held-out), the small MLP every view trains
- `data_parallel`  the hero: one batch split over K workers, their gradients, the all-reduce mean vs the
                   large-batch gradient and the step; the linear-scaling sweep over batch sizes
- `gloo_run`       a real `torch.distributed` run: 2 gloo processes on this machine vs one process
- `gloo_worker`    the script each of those processes runs (`python -m demos.distributed_learning.gloo_worker`)
- `federated`      Dirichlet non-IID splits, FedAvg and FedProx vs centralised training, client drift
- `active`         pool-based active learning: uncertainty, margin, entropy, committee vs random, seed bands
- `fusion`         a two-input data set; early, late and hybrid fusion trained live; an input dropped or noised
- `lesson`         the lesson's answers, computed
"""
