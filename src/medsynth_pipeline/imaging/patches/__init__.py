"""Patches: lesion- and volume-centred patches, whole slices, and patient-level splits. No Kedro imports."""
