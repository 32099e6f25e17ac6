using System.Collections.Concurrent;
using System.Diagnostics;
using Autograd.Memory;
using Autograd.NN.Optimizers;

namespace Autograd.NN.Word2Vec;

/// <summary>
/// The training loop: a reader thread cuts the corpus into units of work (jobs) of about
/// <see cref="Word2VecOptions.WordsPerJob"/> raw words, each with its learning rate and seed; worker threads turn
/// jobs into batches of examples, record each batch's loss on the engine, call <c>Backward()</c> and apply SGD to
/// the rows the batch touched. The workers share the two tables without locks (Hogwild): each has its own leaf
/// tensors over the same storage, so their row-sparse gradients stay separate.
/// </summary>
internal sealed class Word2VecTrainer
{
    private readonly Vocabulary _vocabulary;
    private readonly Word2VecOptions _options;
    private readonly double[] _keep;
    private readonly NoiseDistribution? _noise;
    private readonly HuffmanTree? _huffman;
    private readonly Dictionary<string, int> _index;
    private long _examples;
    private long _wordsDone;

    public Word2VecTrainer(Vocabulary vocabulary, Word2VecOptions options)
    {
        _vocabulary = vocabulary;
        _options = options;
        int v = vocabulary.Count, d = options.Dimension;
        _keep = [.. vocabulary.Counts.Select(c => Sampling.KeepProbability(c, vocabulary.RetainedWordCount, options.Sample))];
        _index = vocabulary.Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        if (options.Output == Word2VecOutput.NegativeSampling) _noise = new NoiseDistribution(vocabulary.Counts);
        if (options.Output == Word2VecOutput.HierarchicalSoftmax) _huffman = HuffmanTree.Build(vocabulary.Counts);
        // gensim's initialization: input vectors uniform in [−0.5/d, 0.5/d), output vectors zero.
        Input = Tensor.RandomUniform<float>([v, d], options.Seed, -0.5 / d, 0.5 / d);
        Output = Tensor.Zeros<float>(options.Output == Word2VecOutput.HierarchicalSoftmax ? v - 1 : v, d);
    }

    public Tensor<float> Input { get; }

    public Tensor<float> Output { get; }

    public (long Examples, double FinalLoss) Run(IEnumerable<string[]> corpus, IProgress<Word2VecProgress>? progress, Stopwatch clock, CancellationToken cancellation)
    {
        long totalWords = _vocabulary.RawWordCount * _options.Epochs;
        var reporter = new ProgressReporter(progress, totalWords, clock);
        double finalLoss = double.NaN;
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            using var jobs = new BlockingCollection<Job>(boundedCapacity: 2 * _options.Threads);
            // Cancelled by the caller, or by a worker that fails: the others stop, and so does this thread, which may be
            // waiting for room in the queue that nobody will make.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var workers = Enumerable.Range(0, _options.Threads).Select(_ => new Worker(this)).ToArray();
            var threads = workers.Select(w => new Thread(() => w.Consume(jobs, reporter, epoch, stop)) { IsBackground = true, Name = "word2vec worker" }).ToArray();
            // Workers start without the caller's context: a TensorScope or NoGrad around Train belongs to the caller's
            // flow, and inherited, would keep every batch's tensors alive to its end or stop recording.
            foreach (Thread t in threads) t.UnsafeStart();
            try
            {
                foreach (Job job in Jobs(corpus, epoch, totalWords))
                {
                    cancellation.ThrowIfCancellationRequested();
                    jobs.Add(job, stop.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // A worker failed; its error is reported below.
            }
            finally
            {
                jobs.CompleteAdding();
                foreach (Thread t in threads) t.Join();
            }

            if (workers.FirstOrDefault(w => w.Failure is not null)?.Failure is { } failure)
                throw new InvalidOperationException($"word2vec: a worker failed in epoch {epoch}: {failure.Message}", failure);
            cancellation.ThrowIfCancellationRequested();
            reporter.Report(force: true);
            double loss = workers.Sum(w => w.LossSum), examples = workers.Sum(w => w.ExampleCount);
            if (examples == 0)
                throw new InvalidDataException("word2vec: the corpus gives no training examples: no sentence has two words of the vocabulary within a window"
                    + (_options.Sample > 0 ? " once frequent words are subsampled (in a small corpus every word is frequent: try --sample 0)" : "")
                    + "; lower --min-count or use a larger corpus");
            finalLoss = loss / examples;
        }

        return (_examples, finalLoss);
    }

    /// <summary>The corpus as jobs of word indices (words outside the vocabulary dropped), with their learning rates.</summary>
    private IEnumerable<Job> Jobs(IEnumerable<string[]> corpus, int epoch, long totalWords)
    {
        var words = new List<int>(_options.WordsPerJob + 1024);
        var starts = new List<int>();
        long raw = 0, dispatched = (epoch - 1) * _vocabulary.RawWordCount;
        int number = 0;
        foreach (string[] sentence in corpus)
        {
            starts.Add(words.Count);
            foreach (string token in sentence)
                if (_index.TryGetValue(token, out int i)) words.Add(i);
            raw += sentence.Length;
            if (raw >= _options.WordsPerJob)
            {
                yield return MakeJob();
                dispatched += raw;
                raw = 0;
            }
        }

        if (raw > 0) yield return MakeJob();

        Job MakeJob()
        {
            // The rate falls linearly with the words handed out so far, as gensim sets it per job.
            var job = new Job([.. words], [.. starts, words.Count], raw, _options.AlphaAt((double)dispatched / totalWords),
                (ulong)_options.Seed * 0x9E3779B97F4A7C15UL ^ ((ulong)epoch << 40) ^ (ulong)number++);
            words.Clear();
            starts.Clear();
            return job;
        }
    }

    /// <summary>A unit of work: sentences as spans of <see cref="Words"/> between consecutive <see cref="Starts"/>.</summary>
    private sealed record Job(int[] Words, int[] Starts, long RawWords, double Alpha, ulong Seed);

    /// <summary>Throttled progress reports from any worker.</summary>
    private sealed class ProgressReporter(IProgress<Word2VecProgress>? progress, long totalWords, Stopwatch clock)
    {
        private readonly Lock _gate = new();
        private long _words;
        private double _loss;
        private long _examples;
        private int _epoch = 1;
        private double _alpha;
        private TimeSpan _last;

        public void Add(long words, double loss, long examples, int epoch, double alpha)
        {
            lock (_gate)
            {
                _words += words;
                _loss += loss;
                _examples += examples;
                _epoch = epoch;
                _alpha = alpha;
            }

            Report(force: false);
        }

        public void Report(bool force)
        {
            if (progress is null) return;
            Word2VecProgress report;
            lock (_gate)
            {
                TimeSpan now = clock.Elapsed;
                if (!force && now - _last < TimeSpan.FromSeconds(0.5)) return;
                _last = now;
                report = new Word2VecProgress(_words, totalWords, _epoch, _examples > 0 ? _loss / _examples : double.NaN,
                    _words / Math.Max(now.TotalSeconds, 1e-9), _alpha, now);
                _loss = 0;
                _examples = 0;
            }

            progress.Report(report);
        }
    }

    /// <summary>One thread's state: its own leaves over the shared tables, its optimizer and its example buffers.</summary>
    private sealed class Worker
    {
        private readonly Word2VecTrainer _trainer;
        private readonly Word2VecOptions _options;
        private readonly Tensor<float> _input;
        private readonly Tensor<float> _output;
        private readonly Sgd<float> _sgd;
        private readonly List<int> _kept = [];
        // The pending batch: one hidden-vector source (center word, or CBOW context words) and one target per example.
        private readonly List<int> _sources = [];
        private readonly List<int> _offsets = [];
        private readonly List<int> _targets = [];
        private FastRandom _random;
        private double _alpha;

        public Worker(Word2VecTrainer trainer)
        {
            _trainer = trainer;
            _options = trainer._options;
            _input = trainer.Input.Detach().RequireSparseGrad();
            _output = trainer.Output.Detach().RequireSparseGrad();
            _sgd = new Sgd<float>([_input, _output], _options.Alpha);
        }

        public Exception? Failure { get; private set; }

        public double LossSum { get; private set; }

        public long ExampleCount { get; private set; }

        public void Consume(BlockingCollection<Job> jobs, ProgressReporter reporter, int epoch, CancellationTokenSource stop)
        {
            try
            {
                foreach (Job job in jobs.GetConsumingEnumerable(stop.Token))
                {
                    double lossBefore = LossSum;
                    long examplesBefore = ExampleCount;
                    Process(job);
                    Interlocked.Add(ref _trainer._wordsDone, job.RawWords);
                    Interlocked.Add(ref _trainer._examples, ExampleCount - examplesBefore);
                    reporter.Add(job.RawWords, LossSum - lossBefore, ExampleCount - examplesBefore, epoch, job.Alpha);
                }
            }
            catch (OperationCanceledException)
            {
                // The run was cancelled, or another worker failed; the training thread reports it.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Reported on the training thread, which stops the run; a worker must not take the process down.
                Failure = e;
                stop.Cancel();
            }
        }

        private void Process(Job job)
        {
            _random = new FastRandom(job.Seed);
            _alpha = job.Alpha;
            double[] keep = _trainer._keep;
            for (int s = 0; s + 1 < job.Starts.Length; s++)
            {
                // Subsampling: frequent words are dropped before the windows are formed, as in word2vec.
                _kept.Clear();
                for (int i = job.Starts[s]; i < job.Starts[s + 1]; i++)
                {
                    int word = job.Words[i];
                    if (keep[word] >= 1 || _random.NextDouble() < keep[word]) _kept.Add(word);
                }

                for (int center = 0; center < _kept.Count; center++)
                {
                    var (from, to) = Sampling.ContextRange(center, _kept.Count, _options.Window, ref _random);
                    if (_options.Architecture == Word2VecArchitecture.SkipGram)
                    {
                        for (int context = from; context <= to; context++)
                        {
                            if (context == center) continue;
                            AddExample(_kept[center], _kept[context]);
                        }
                    }
                    else if (to > from)
                    {
                        _offsets.Add(_sources.Count);
                        for (int context = from; context <= to; context++)
                            if (context != center) _sources.Add(_kept[context]);

                        _targets.Add(_kept[center]);
                        if (_targets.Count == _options.BatchSize) Flush();
                    }
                }
            }

            Flush();
        }

        private void AddExample(int source, int target)
        {
            _sources.Add(source);
            _targets.Add(target);
            if (_targets.Count == _options.BatchSize) Flush();
        }

        /// <summary>Records the batch's loss, backpropagates it and applies SGD to the touched rows.</summary>
        private void Flush()
        {
            int batch = _targets.Count;
            if (batch == 0) return;
            int[] sources = [.. _sources], targets = [.. _targets];
            // The batch's tensors (its hidden vectors and their gradient are each over 85 KB) go back to a pool when
            // it ends instead of to the collector's large-object heap.
            using var scope = new TensorScope();
            Tensor<float> hidden = _options.Architecture == Word2VecArchitecture.SkipGram
                ? Word2VecLosses.SkipGramHidden(_input, sources)
                : Word2VecLosses.CbowHidden(_input, sources, [.. _offsets], _options.CbowUndividedUpdate);
            Tensor<float> loss = _options.Output switch
            {
                Word2VecOutput.NegativeSampling => Word2VecLosses.NegativeSampling(hidden, _output, targets, NoiseWords(targets), _options.Negative),
                Word2VecOutput.HierarchicalSoftmax => HierarchicalLoss(hidden, targets),
                _ => Word2VecLosses.FullSoftmax(hidden, _output, targets),
            };
            loss.Backward();
            _sgd.LearningRate = _alpha;
            _sgd.Step();
            _sgd.ZeroGrad();
            LossSum += loss.Item();
            ExampleCount += batch;
            _sources.Clear();
            _offsets.Clear();
            _targets.Clear();
        }

        /// <summary>k noise words per example; a draw equal to the example's target is drawn again.</summary>
        private int[] NoiseWords(int[] targets)
        {
            NoiseDistribution noise = _trainer._noise!;
            int k = _options.Negative;
            var negatives = new int[targets.Length * k];
            for (int e = 0; e < targets.Length; e++)
            {
                for (int j = 0; j < k; j++)
                {
                    int w;
                    do w = noise.Sample(ref _random);
                    while (w == targets[e] && noise.Count > 1);
                    negatives[e * k + j] = w;
                }
            }

            return negatives;
        }

        private Tensor<float> HierarchicalLoss(Tensor<float> hidden, int[] targets)
        {
            HuffmanTree tree = _trainer._huffman!;
            var steps = new List<int>();
            var nodes = new List<int>();
            var bits = new List<byte>();
            for (int e = 0; e < targets.Length; e++)
            {
                int[] path = tree.Paths[targets[e]];
                for (int s = 0; s < path.Length; s++) steps.Add(e);
                nodes.AddRange(path);
                bits.AddRange(tree.Codes[targets[e]]);
            }

            return Word2VecLosses.HierarchicalSoftmax(hidden, _output, [.. steps], [.. nodes], [.. bits]);
        }
    }
}
