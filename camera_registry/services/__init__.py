"""The rules of the registry: web layers and the command line call these, these use models."""
