// Placeholder: the char-lstm example is being written.
print("char-lstm: not yet implemented")
