"""Visual Turing Test web app for reader studies. No Kedro imports."""
