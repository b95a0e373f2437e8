"""Paper records the update tests build, change and add to (``tests/test_update.py``,
``tests/test_update_incremental.py``): three papers that share names across papers (MCTS, GSM8K, LoRA)."""

OLD = [
    {"title": "TreeSearch Decoding for Math Word Problems", "abstract": "We propose TreeDec, which runs MCTS over "
     "reasoning steps. We evaluate TreeDec on GSM8K and outperform CoT prompting.", "date": "2024-03-01"},
    {"title": "Planning with MCTS in Games", "abstract": "We apply MCTS to board games and compare it with AlphaZero "
     "on Go. Our agent uses a ResNet value network.", "date": "2024-03-02"},
    {"title": "Adapters for Low-Resource Translation", "abstract": "We introduce AdaptMT, a method that fine-tunes "
     "mBART with LoRA adapters. Experiments on FLORES show gains over full fine-tuning.", "date": "2024-03-03",
     "upvotes": 4},
]
