// Placeholder: the text-lstm example is being written.
print("text-lstm: not yet implemented")
