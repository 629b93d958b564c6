"""Stand-in base images and tools for the offline BuildKit tests (see rootfs.py)."""
