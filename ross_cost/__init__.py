"""ross-cost: a FinOps cockpit for LLM spend."""
