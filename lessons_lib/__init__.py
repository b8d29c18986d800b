"""Helpers behind the Backprop by Hand notebooks. Import the modules you need by name."""
