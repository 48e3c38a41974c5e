import Synapse

Random.seed(42)
// Every input pair [4, 2] and its XOR [4, 1].
let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
let y = Tensor([[0], [1], [1], [0]])

// Glorot-uniform weights for a 2-4-1 network; biases start at zero.
let limit1 = (6 / Float(2 + 4)).squareRoot()
let limit2 = (6 / Float(4 + 1)).squareRoot()
var w1 = Tensor.randomUniform([2, 4], low: -limit1, high: limit1)
    .requiringGrad()
var b1 = Tensor.zeros([4]).requiringGrad()
var w2 = Tensor.randomUniform([4, 1], low: -limit2, high: limit2)
    .requiringGrad()
var b2 = Tensor.zeros([1]).requiringGrad()
