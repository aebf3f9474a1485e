"""The public hazard board (隐患公示) each area publishes to its kiosks."""
