"""Downstream classifier training and the augmentation/SCA/TSTR studies. No Kedro imports."""
