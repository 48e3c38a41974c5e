// SynapseNN builds on SynapseCore; re-export it so `import SynapseNN` is enough.
@_exported import SynapseCore
