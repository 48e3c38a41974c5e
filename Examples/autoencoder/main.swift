// Placeholder: the autoencoder example is being written.
print("autoencoder: not yet implemented")
