@_exported import Synapse
