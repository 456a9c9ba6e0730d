"""Runnable demonstrations: python -m demos.NAME"""
