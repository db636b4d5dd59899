"""Reports over the loaded corpus: domain coverage and version differences."""
