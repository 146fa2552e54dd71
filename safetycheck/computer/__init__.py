"""Check the computer SafetyCheck runs on: remote-access and monitoring tools, what starts by
itself, standing permissions, browser extensions and accounts.

Read-only, no network, no administrator rights needed.  One reader per platform
(:mod:`.windows`, :mod:`.macos`, :mod:`.linux`) reads the computer through one small access
layer (:mod:`.system`), so every reader can be tested on any computer with a recorded machine.
"""
