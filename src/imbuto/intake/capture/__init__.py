"""Capture channels of issue #3: the public web form and the website chat widget."""
