"""Attention (pages/05_attention.py): a real transformer's heads, what they do, and the formula by hand.

- heads.py    MiniLM-L6's attention on your text, one head as the hero; hiding [CLS]/[SEP]
- roles.py    what each head does on this text: sinks and neighbour heads ("All heads", "Head roles")
- rollout.py  attention rollout through all layers (Abnar & Zuidema 2020) ("Rollout")
- seq2seq.py  a date translator's learned alignment, with and without attention ("Seq2seq alignment")
- by_hand.py  softmax(QKᵀ/√d + M)V step by step, heads split and merged, positional encoding
              (Vaswani et al. 2017) ("Step by step")
"""
