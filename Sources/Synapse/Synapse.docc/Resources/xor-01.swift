import Synapse

Random.seed(42)
// Every input pair [4, 2] and its XOR [4, 1].
let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
let y = Tensor([[0], [1], [1], [0]])
