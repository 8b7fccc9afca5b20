"""Recurrent networks (pages/10_recurrent.py), one module per view:

- `cells`            the RNN, LSTM and GRU cells one step at a time, their parameter counts, the gates at work
- `bptt`             backpropagation through time: per-step Jacobians and their product (the hero)
- `recall`           delayed recall: trained live at your lag, the committed models' accuracy against lag
- `bidirectional`    a forward vs a bidirectional RNN (hand-written, masked) on a tagging task decided by the future
- `pooling`          attention and mean pooling over a padded batch, with and without the padding mask
- `masking`          padding and masking a batch: last column, BiLSTM backward pass, packing, masked loss
- `text_generation`  the char-LSTM: temperature and top-k sampling, bits per character, the sampling player
"""
