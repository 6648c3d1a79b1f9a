"""Cleaning uploaded files: file types, and metadata stripped from images, audio and PDFs."""
