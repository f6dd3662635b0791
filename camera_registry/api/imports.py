"""Import and export routes: filled in below."""
def register(bp, resources):
    pass
