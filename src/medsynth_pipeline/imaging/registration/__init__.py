"""Register & crop: rigid multi-modal registration onto T2w and resampling on one prostate crop. No Kedro imports."""
