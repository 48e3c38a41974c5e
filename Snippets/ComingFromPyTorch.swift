//! A PyTorch-style training loop in Synapse: a Model subclass with its
//! own forward pass, an optimizer over its parameters, zero_grad,
//! backward and step.

// snippet.module
import Synapse

// class MLP(nn.Module): layers are properties, forward connects them.
final class MLP: Model {
    // nn.Linear(784, 128): the input size comes from the first call.
    let hidden = Dense(128, activation: .relu)
    let output = Dense(10)                      // logits
    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        output(hidden(input.flattened(startAxis: 1)))
    }
}
// snippet.end

// snippet.loop
Random.seed(0)                                  // torch.manual_seed(0)
// images [4096, 28, 28, 1], labels [4096]
let (images, labels) = try MNIST.load(split: .train, limit: 4096)
let net = MLP()
_ = net(images[0..<1])                          // creates the weights
let optimizer = Adam(parameters: net.trainableParameters,
                     learningRate: 1e-3)
// nn.CrossEntropyLoss(); called as loss(target, prediction).
let criterion = SparseCategoricalCrossentropy(fromLogits: true)

for epoch in 1...3 {
    var total: Float = 0
    for start in stride(from: 0, to: 4096, by: 64) {
        let x = images[start..<(start + 64)]
        let y = labels[start..<(start + 64)]
        optimizer.zeroGrad()
        let loss = criterion(y, net(x, training: true))
        loss.backward()
        optimizer.step()
        total += loss.item
    }
    print("epoch \(epoch): mean loss \(total / 64)")
}
// snippet.end

// snippet.inference
// with torch.no_grad(): model(x).argmax(1)
let (testImages, testLabels) = try MNIST.load(split: .test, limit: 1000)
let predicted = withoutGradient {
    net(testImages, training: false).argmax(alongAxis: 1)
}
let accuracy = (predicted .== testLabels).to(.float32).mean().item
print("test accuracy \(accuracy)")
// snippet.end

// snippet.hide
check(accuracy > 0.85, "accuracy \(accuracy)")

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
