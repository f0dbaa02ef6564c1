"""AI-agent FinOps pipeline: what agents' work costs per accepted action."""
