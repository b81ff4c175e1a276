"""drlint's reference two-region disaster-recovery stack (CDKTF, Python)."""
