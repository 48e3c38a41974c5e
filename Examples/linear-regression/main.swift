// Fits y = 3x + 2 from noisy samples with gradient descent written directly on
// tensors: forward, `backward()`, read `.grad`, update, clear the gradients.
import Synapse

var generator = RandomGenerator(seed: 7)
let x = Tensor.randomUniform([256, 1], low: -1, high: 1, generator: &generator)
let noise = Tensor.randomNormal([256, 1], standardDeviation: 0.1, generator: &generator)
let y = 3 * x + 2 + noise

var w = Tensor.zeros([1, 1]).requiringGrad()
var b = Tensor.zeros([1]).requiringGrad()
let learningRate: Float = 0.1

var loss = Tensor(0)
for step in 1...200 {
    loss = (x.matmul(w) + b - y).square().mean()
    loss.backward()
    // The update itself must not be recorded: it is not part of the model.
    withoutGradient {
        w = (w - learningRate * w.grad!).requiringGrad()
        b = (b - learningRate * b.grad!).requiringGrad()
    }
    if step % 50 == 0 {
        print("step \(step): loss \(loss.item)")
    }
}
print("learned w = \(w.item), b = \(b.item) (true: w = 3, b = 2); final loss \(loss.item)")
