#!/bin/sh
# Regenerates every picture and explanation the tutorial shows, with the autograd command itself.
# Needs Graphviz's `dot` for the SVGs (apt-get install graphviz). Run from anywhere: sh docs/make-figures.sh
set -eu
cd "$(dirname "$0")/.."
dotnet build Autograd.Cli -c Release -v quiet -nologo >/dev/null
autograd() { dotnet Autograd.Cli/bin/Release/net10.0/autograd.dll "$@"; }
out=docs/figures

# Chapter 1: a neuron with three inputs, z = sigmoid(w·a + b).
autograd grad "s = w1*a1 + w2*a2 + w3*a3 + b; z = sigmoid(s)" \
  w1=0.5 a1=1 w2=-1 a2=2 w3=0.25 a3=4 b=0.5 --svg $out/neuron.svg > $out/neuron.txt

# Chapter 2: a computation graph, in DOT, Mermaid and as a tree.
autograd grad "q = x + y; f = q * z" x=-2 y=5 z=-4 \
  --dot $out/add-mul.dot --mermaid $out/add-mul.mmd --svg $out/add-mul.svg --tree > $out/add-mul-tree.txt

# Chapter 3: backpropagation on (x + y)·z and on a sigmoid neuron, step by step.
autograd grad "q = x + y; f = q * z" x=-2 y=5 z=-4 --explain > $out/add-mul-explain.txt
autograd grad "z = w0*x0 + w1*x1 + w2; f = sigmoid(z)" w0=2 x0=-1 w1=-3 x1=-2 w2=-3 \
  --explain --svg $out/sigmoid-neuron.svg > $out/sigmoid-neuron-explain.txt
autograd grad "y = x * x; f = y + x" x=3 --explain --svg $out/fan-out.svg > $out/fan-out-explain.txt
autograd gradcheck "z = w0*x0 + w1*x1 + w2; f = sigmoid(z)" w0=2 x0=-1 w1=-3 x1=-2 w2=-3 > $out/sigmoid-neuron-gradcheck.txt
