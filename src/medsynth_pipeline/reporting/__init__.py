"""Figures and tables for data/08_reporting. No Kedro imports."""
