import Synapse

Random.seed(42)
let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])           // [4, 2]: every input pair
let y = Tensor([[0], [1], [1], [0]])                       // [4, 1]: their XOR
