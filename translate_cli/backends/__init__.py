"""Translation and summarisation engines behind the protocols in translate.py and summarise.py."""
