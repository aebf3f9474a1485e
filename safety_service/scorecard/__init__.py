"""Each unit's scorecard (业绩考评): monthly figures per unit and the ten-day (旬) summary."""
