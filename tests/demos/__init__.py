"""Smoke tests of the demos: each runs in quick mode and shows what it claims."""
