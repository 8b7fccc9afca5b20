"""Convolutional networks (pages/09_convolutions.py), one module per tab or sub-concept:

- `kernels`           preset kernels (Sobel, blur, sharpen…), typed grids of numbers, the grey input
- `sliding`           the sliding dot product, the output-size formula, the hero's window player
- `parameters`        conv vs dense parameter counts, 1-D/2-D/3-D shapes, the formula through a real network
- `channels`          one output channel of a real layer = Σ over input channels of (input ⋆ own kernel)
- `pooling`           max and average pooling, shift equivariance and invariance, prediction vs shift
- `transposed`        transposed convolution as stamping, the checkerboard, adjoint not inverse
- `feature_maps`      what a trained network sees: every layer's maps, strongest channels, the answer
- `receptive_fields`  the receptive-field recurrence, where a channel peaks and the patch it sees
- `filters`           the first layer's learned filters
- `separable`         depthwise separable convolution (groups = C_in, then 1×1): parameters and multiply-adds
                      by formula and by counting, the digit CNN with standard or separable blocks
- `training`          train the digit CNN now: streamed validation curves, its held-out mistakes
"""
