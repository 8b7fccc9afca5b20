"""Transfer, few-shot and zero-shot learning on models that ship with the gallery (page 12), one
module per tab or sub-concept:

- `task`        the new task (digits 5-9 for a CNN taught 0-4), its k shots, seeded init, accuracy
- `probe`       the linear probe: logistic regression on frozen features, solved to its optimum
- `imagenet`    EfficientNet-Lite0's ImageNet features of digits and photos
- `fine_tune`   fine-tuning a copy of the backbone (some layers frozen) and training from scratch
- `sweep`       the hero: accuracy vs labels per class, five ways; its figures and captions
- `results`     the committed sweep and forgetting runs (used while their recipe holds), the live rest
- `forgetting`  catastrophic forgetting: the old 0-4 head after fine-tuning at each rate
- `layers`      which layers to retrain: fine-tuning from five frozen depths
- `few_shot`    prototypical networks on N-way K-shot episodes, the episode's plane
- `siamese`     the metric view: pair distances, a threshold, false accepts and rejects, ROC
- `zero_shot`   MiniLM sentence embeddings against label descriptions
- `teach`       teach it yourself: crops of your pictures, EfficientNet features, a linear probe
- `domain`      domain shift (rotated, inverted, noisy digits) and MMD feature alignment vs source-only
"""
