"""One construct per concern. Each builds its concern in both regions and takes what it depends on
as constructor arguments (no lookups), so the stack in `dr_stack/stack.py` reads as the wiring
diagram of the system."""
