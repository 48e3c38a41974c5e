// Placeholder: the vae example is being written.
print("vae: not yet implemented")
