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

// The forward pass: a tanh hidden layer, a sigmoid output.
let forward = { (input: Tensor) -> Tensor in
    let hidden = (input.matmul(w1) + b1).tanh()
    return (hidden.matmul(w2) + b2).sigmoid()
}

// Gradient descent: mean squared error, backward() for the gradients,
// then a step against each, outside the graph.
let learningRate: Float = 0.5
var loss = Tensor(0)
for _ in 0..<2000 {
    loss = (forward(x) - y).square().mean()
    loss.backward()
    withoutGradient {
        w1 = (w1 - learningRate * w1.grad!).requiringGrad()
        b1 = (b1 - learningRate * b1.grad!).requiringGrad()
        w2 = (w2 - learningRate * w2.grad!).requiringGrad()
        b2 = (b2 - learningRate * b2.grad!).requiringGrad()
    }
}
let fromScratch = withoutGradient { forward(x) }
print("from scratch: loss \(loss.item)", fromScratch.scalars)
