"""The Qt interface.  It talks to ``safetycheck`` (the core); the core never talks back."""
