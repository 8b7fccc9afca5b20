"""The compression page's logic, one module per view (pages/18_compression.py):

- `frontier`      the hero: every compressed version of the digit CNN (how each is built), the chart, its card
- `distillation`  softmax at T, the KD loss, students trained on hard labels vs the teacher, the omitted digit
- `pruning`       magnitude masks (global / per layer), channel pruning rebuilt as smaller layers, fine-tuning
- `quantisation`  scale and zero-point, per tensor / per channel, 2–8 bits, int8 storage, PyTorch's dynamic int8
- `measure`       bytes on disk, CPU latency, held-out accuracy
- `results`       the committed results (train/compression_*.py) and the students' data
- `lesson`        the lesson's answers, computed
"""
