using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>
/// The project's one symmetric eigensolver, for a few eigenpairs at one end of the spectrum of any self-adjoint
/// <see cref="LinearOperator"/>: thick-restart Lanczos (one vector per step unless <see cref="LanczosOptions.BlockSize"/>
/// asks for a block) with full reorthogonalisation, or a dense LAPACK solve, as <see cref="LanczosOptions.Mode"/> states
/// (<see cref="EigenpairResult.SolvedDirectly"/> reports which).
/// </summary>
/// <remarks>
/// <para>
/// The recurrence runs in float64 whatever the operator's working dtype. Every new Krylov vector is orthogonalised
/// against the whole basis (classical Gram–Schmidt with a second pass when the first cancels more than half of it), so
/// no ghost copies of converged eigenvalues appear. The coefficients form h with A Q = Q h exactly; the Ritz pairs come
/// from its symmetric part.
/// </para>
/// <para>
/// Convergence is judged after every product, once max(k, j) + 1 vectors have been applied (j warm-start columns), from the Ritz residual estimates
/// ‖h s − θ s‖ (which equal ‖A x − θ x‖ on the orthonormal basis, and include any asymmetry of the operator), so no
/// product is spent on checks; the solve stops at the first product at which all wanted pairs meet
/// <see cref="LanczosOptions.Tolerance"/>. Only when the restarts' accumulated bound alone keeps them above it are the
/// k true residuals measured instead. When the basis is full,
/// the best Ritz vectors are kept together with the unprocessed vector (a thick restart, Wu &amp; Simon's method) and
/// the iteration goes on. A warm start (e.g. the previous step's eigenvectors) is folded into the start vector.
/// <see cref="LanczosOptions.ComputeResiduals"/> adds a true-residual check at k more products.
/// </para>
/// <para>
/// Single-vector Lanczos finds one copy of a repeated eigenvalue (as ARPACK does); a block of p vectors finds up to p.
/// </para>
/// </remarks>
public static class LanczosEigensolver
{
    /// <summary>
    /// Finds <paramref name="count"/> eigenpairs of <paramref name="op"/> at the end chosen by
    /// <see cref="LanczosOptions.Which"/>. <paramref name="startVectors"/> ([Dimension] or [Dimension, j], any float
    /// dtype) warm-starts the iteration; they need not be orthonormal.
    /// </summary>
    public static EigenpairResult Solve(LinearOperator op, int count, LanczosOptions? options = null, Tensor? startVectors = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (!op.IsSelfAdjoint)
            throw new ArgumentException($"The eigensolver needs a self-adjoint operator; {op.GetType().Name} [{op.OutputSize}, {op.InputSize}] is not.", nameof(op));
        var o = options ?? new LanczosOptions();
        o.Validate();
        TorchRuntime.EnsureLoaded();
        long n = op.Dimension;
        if (count < 1 || count > n)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Ask for between 1 and {n} eigenpairs (the operator's dimension).");
        Tensor? start = CheckStart(startVectors, n);

        using var scope = torch.NewDisposeScope();
        var result = SolvesDirectly(op, o)
            ? SolveDirect(op, count, o)
            : SolveIterative(op, count, o, start);
        if (o.ThrowIfNotConverged && !result.Converged)
        {
            string message = $"Lanczos did not converge for {count} eigenpairs of a {n}-dimensional operator after " +
                             $"{result.Restarts} restarts and {result.OperatorApplications} products (largest relative residual " +
                             $"{result.MaxRelativeResidual:G3}; tolerance {o.Tolerance:G3}, residual tolerance {o.ResidualTolerance:G3}).";
            result.Dispose();
            throw new EigensolverNotConvergedException(message);
        }
        return result;
    }

    /// <summary>Whether <paramref name="options"/> send <paramref name="op"/> to the dense solve (see <see cref="EigensolverMode"/>).</summary>
    public static bool SolvesDirectly(LinearOperator op, LanczosOptions options)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(options);
        return options.Mode switch
        {
            EigensolverMode.Dense => true,
            EigensolverMode.Iterative => false,
            _ => op.HasDenseForm && op.InputSize <= options.DenseThreshold,
        };
    }

    // Named after Solve's parameter, which is what a caller's error names.
    private static Tensor? CheckStart(Tensor? startVectors, long n)
    {
        if (startVectors is null) return null;
        if (!(startVectors.dim() == 1 || startVectors.dim() == 2) || startVectors.shape[0] != n)
            throw new ArgumentException($"Start vectors must be [{n}] or [{n}, j], got [{string.Join(", ", startVectors.shape)}].", nameof(startVectors));
        if (!startVectors.is_floating_point())
            throw new ArgumentException($"Start vectors must be floating point, got {startVectors.dtype}.", nameof(startVectors));
        using (var finite = torch.isfinite(startVectors))
        using (var allFinite = finite.all())
            if (!allFinite.ReadBoolean())
                throw new ArgumentException("Start vectors contain non-finite values.", nameof(startVectors));
        return startVectors;
    }

    /// <summary>Indices of the Ritz values <paramref name="theta"/> (ascending) in order of priority for <paramref name="which"/>.</summary>
    internal static int[] Priority(double[] theta, SpectrumEnd which) => which switch
    {
        SpectrumEnd.LargestAlgebraic => Enumerable.Range(0, theta.Length).Reverse().ToArray(),
        SpectrumEnd.SmallestAlgebraic => Enumerable.Range(0, theta.Length).ToArray(),
        _ => Enumerable.Range(0, theta.Length).OrderByDescending(i => Math.Abs(theta[i])).ThenByDescending(i => theta[i]).ToArray(),
    };

    private static EigenpairResult SolveDirect(LinearOperator op, int count, LanczosOptions o)
    {
        // The dense matrix in float64 and its eigenvectors (or LAPACK's workspace), n² each, checked before ToDense
        // allocates anything.
        long n = op.Dimension;
        string how = o.Mode == EigensolverMode.Dense ? "Mode = Dense" : $"DenseThreshold {o.DenseThreshold:N0}";
        if (MemoryBudget.Shortfall(2 * 8.0 * n * n, $"A dense eigensolve ({how}) of a {n:N0}-dimensional operator (EigensolverMode.Iterative needs far less)") is { } shortfall)
            throw new ArgumentException(shortfall, "options");
        var a = op.ToDense().to(ScalarType.Float64);
        // An operator without a dense form is formed column by column, one product per column.
        int formed = op.HasDenseForm ? 0 : (int)Math.Min(op.InputSize, int.MaxValue);
        // LAPACK on NaN or infinite entries fails inside libtorch; say what is wrong instead.
        if (!torch.isfinite(a).all().ReadBoolean())
            throw new InvalidOperationException($"The operator {op.GetType().Name} has non-finite entries; its matrix has NaN or infinite values.");
        // Residuals need the vectors, as on the iterative path, which then drops them (found by mutation testing: a
        // direct solve asked for residuals without vectors returned none).
        if (!o.ComputeVectors && !o.ComputeResiduals)
        {
            var all = torch.linalg.eigvalsh(a).cpu().data<double>().ToArray();
            var picked = Priority(all, o.Which).Take(count).Select(i => all[i]).ToArray();
            double norm = all.Length == 0 ? 0 : all.Max(Math.Abs);
            var none = torch.zeros(new[] { op.Dimension, 0L }, ScalarType.Float64, a.device);
            return new EigenpairResult(picked, none.MoveToOuterDisposeScope(), new double[count], null, norm, true, formed, 0, direct: true);
        }
        var (values, vectors) = torch.linalg.eigh(a);
        var theta = values.cpu().data<double>().ToArray();
        var wanted = Priority(theta, o.Which).Take(count).ToArray();
        using var index = torch.tensor(wanted.Select(i => (long)i).ToArray(), ScalarType.Int64, vectors.device);
        var x = vectors.index_select(1, index);
        var lambda = wanted.Select(i => theta[i]).ToArray();
        double scale = theta.Length == 0 ? 0 : theta.Max(Math.Abs);
        double[]? residuals = null;
        bool converged = true;
        if (o.ComputeResiduals)
        {
            // Against the operator itself, not the symmetrised matrix the eigenpairs came from: an operator that claims to
            // be self-adjoint and is not shows here, as it does on the iterative path.
            residuals = TrueResiduals(op, x, lambda);
            converged = residuals.All(r => r <= o.ResidualTolerance * scale);
        }
        if (!o.ComputeVectors) x = torch.zeros(new[] { n, 0L }, ScalarType.Float64, a.device);
        return new EigenpairResult(lambda, x.MoveToOuterDisposeScope(), new double[count], residuals, scale, converged,
            formed + (o.ComputeResiduals ? count : 0), 0, direct: true);
    }

    // ‖A xᵢ − λᵢ xᵢ‖ for the columns of x (float64), by applying the operator: k products.
    private static double[] TrueResiduals(LinearOperator op, Tensor x, double[] lambda)
    {
        using var scope = torch.NewDisposeScope();
        var ax = op.Apply(x).to(ScalarType.Float64, x.device);
        var l = torch.tensor(lambda, ScalarType.Float64, x.device);
        return (ax - x * l.unsqueeze(0)).norm(0, false, 2)
            .cpu().data<double>().ToArray();
    }

    private static EigenpairResult SolveIterative(LinearOperator op, int count, LanczosOptions o, Tensor? start)
    {
        long n = op.Dimension;
        var device = op.Device;
        int p = (int)Math.Min(o.BlockSize ?? 1, n);
        // Sizes in long: a huge BlockSize or MaxBasisSize on a huge operator must reach the memory check, not overflow.
        long basisWanted = o.MaxBasisSize ?? Math.Max(60, 2L * count + 4L * p);
        // At least 2p beyond the k wanted, so that each step's block has room; the largest magnitudes want pairs from
        // both ends of the spectrum, so their basis keeps 2 more Ritz vectors through a restart: kept by |θ| with none
        // to spare, a restart could drop the other end's candidate and converge on a pair that was not wanted.
        basisWanted = Math.Min(Math.Max(basisWanted, count + 2L * p + (o.Which == SpectrumEnd.LargestMagnitude ? 2 : 0)), n);
        long capacityWanted = Math.Min(basisWanted + p, n);
        // The basis (capacity × n float64 on the operator's device) and the managed coefficients h (capacity² float64):
        // refused with one line here rather than by libtorch's allocator with a multi-line message.
        if (MemoryBudget.Shortfall(8.0 * capacityWanted * n + 8.0 * capacityWanted * capacityWanted,
                $"A Lanczos basis of {capacityWanted:N0} vectors of dimension {n:N0} (MaxBasisSize = {o.MaxBasisSize?.ToString("N0") ?? "null"}, BlockSize = {p:N0})") is { } shortfall)
            throw new ArgumentException(shortfall, "options");
        int m = (int)basisWanted, capacity = (int)capacityWanted;
        // Convergence is judged only once a direction beyond the k wanted, and beyond the j columns of a warm start, has
        // been applied (max(k, j) + 1 products, or all the basis can hold): a start in, or very near, an invariant
        // subspace gives Ritz pairs of that subspace with residuals near zero, and only a direction beyond it shows
        // whether larger eigenvalues lie outside. After the first exactly invariant subspace the fresh random direction
        // counts as a new start; later ones (an operator of rank below k) come from random directions and add nothing.
        long span = Math.Max(count, start is null ? 0 : start.dim() == 1 ? 1 : start.shape[1]);
        int JudgedFrom(long fromIndex) => (int)Math.Min(Math.Min(fromIndex + span + 1, m), n);
        int judgedFrom = JudgedFrom(0);
        bool leftInvariantStart = false;

        using var generator = Seeding.TorchGenerator(o.Seed, Seeding.Stream.Diagnostics);
        // Basis vectors are rows, so each is contiguous and the projections are plain matrix-vector products. Rows are
        // read only once written, so the basis starts uninitialised: zeroing it touched every page of rows most solves
        // never use (46 MB for the 94k-parameter Hessian's 61 rows, of which a top-10 solve writes about 20).
        var q = torch.empty(new[] { (long)capacity, n }, ScalarType.Float64, device);
        // h[i, j] is the coefficient of q_i in A q_j: A Q_processed = Q_basis h[:basis, :processed] (+ what restarts
        // dropped). It is small, so it lives in managed memory: the bookkeeping after each product costs no native calls.
        var h = new double[capacity, capacity];
        int basis = 0;

        Tensor RandomVector() => torch.randn(new[] { n }, ScalarType.Float64, generator: generator).to(device);

        // Orthogonalises w (of norm wNorm) against the basis: classical Gram–Schmidt, repeated when the first pass
        // cancelled more than half of w (the DGKS criterion). Returns the coefficients, w's remaining part and its norm.
        (double[] Coefficients, Tensor Remainder, double Norm) Orthogonalise(Tensor w, double wNorm)
        {
            if (basis == 0) return (Array.Empty<double>(), w, wNorm);
            var qb = q.narrow(0, 0, basis);
            var c = torch.mv(qb, w);
            var rest = torch.addmv(w, qb.t(), c, beta: 1, alpha: -1);
            double norm = rest.norm().ReadDouble();
            if (norm < 0.7071 * wNorm)
            {
                var c2 = torch.mv(qb, rest);
                rest = torch.addmv(rest, qb.t(), c2, beta: 1, alpha: -1);
                KeptScalars.AddInPlace(c, c2);
                norm = rest.norm().ReadDouble();
            }
            return (c.cpu().data<double>().ToArray(), rest, norm);
        }

        // Appends a unit vector to the basis if w has a part orthogonal to it (relative to w's norm); says whether it did.
        bool Append(Tensor w, double threshold)
        {
            double before = w.norm().ReadDouble();
            var (_, rest, norm) = Orthogonalise(w, before);
            if (!(norm > threshold * before) || basis >= capacity) return false;
            KeptScalars.DivideInPlace(q[basis].copy_(rest), norm);
            basis++;
            return true;
        }

        // A random direction orthogonal to the basis, after an invariant subspace was found.
        void AppendRandom()
        {
            for (int attempt = 0; attempt < 3; attempt++)
            {
                using var inner = torch.NewDisposeScope();
                if (Append(RandomVector(), 1e-8)) return;
            }
        }

        // The first block of p vectors. Warm-start columns beyond p are folded in (each unit column added to start
        // vector i mod p): a single start vector that mixes the previous eigenvectors spans them after as many steps
        // as there are columns, at one product per step, where a block as wide as the warm start costs its width per step.
        if (start is not null)
        {
            using var startScope = torch.NewDisposeScope();
            var columns = (start.dim() == 1 ? start.unsqueeze(1) : start).to(ScalarType.Float64, device);
            var norms = columns.norm(0, true, 2);
            var unit = columns / torch.where(KeptScalars.GreaterThan(norms, 0), norms, torch.ones_like(norms));
            long j = unit.shape[1];
            for (int c = 0; c < p && c < j; c++)
            {
                using var inner = torch.NewDisposeScope();
                using var index = KeptScalars.Range(c, j, p, ScalarType.Int64, device);
                Append(unit.index_select(1, index).sum(1L), 1e-8);
            }
        }
        while (basis < p) AppendRandom();

        int processed = 0, products = 0, restarts = 0;
        double scale = 0, maxProductNorm = 0, lost = 0;
        double[] theta = Array.Empty<double>();
        double[] s = Array.Empty<double>(); // Ritz vectors of h's symmetric part, row-major: s[i·processed + j] is component i of vector j
        int[] order = Array.Empty<int>();
        double[] estimates = Array.Empty<double>();
        bool converged = false;
        int verifiedAtRestart = -1;

        // The Ritz vectors Q s_j [n, |pairs|] of the given pairs (indices into theta), float64 on the operator's device.
        Tensor RitzVectors(int[] pairs)
        {
            var selected = new double[processed * pairs.Length];
            for (int i = 0; i < processed; i++)
                for (int c = 0; c < pairs.Length; c++)
                    selected[i * pairs.Length + c] = s[i * processed + pairs[c]];
            using var ritz = torch.tensor(selected, new long[] { processed, pairs.Length }, ScalarType.Float64);
            return torch.mm(q.narrow(0, 0, processed).t(), ritz.to(device));
        }

        // ‖A x − θ x‖ of the wanted Ritz pairs, by applying the operator; when all meet the tolerance, they become the
        // estimates.
        bool TrueResidualsMeetTolerance()
        {
            using var verifyScope = torch.NewDisposeScope();
            var wanted = order.Take(estimates.Length).ToArray();
            var measured = TrueResiduals(op, RitzVectors(wanted), wanted.Select(j => theta[j]).ToArray());
            products += wanted.Length;
            if (!measured.All(r => r <= o.Tolerance * scale)) return false;
            estimates = measured;
            return true;
        }

        // Ritz pairs of the symmetrised projection, and for each wanted pair the residual norm ‖A x − θ x‖ read off the
        // full coefficient matrix, ‖h[:basis, :processed] s − θ s‖ (exact, since the basis is orthonormal), plus what
        // thick restarts dropped: no operator product, and an operator that is not symmetric shows up in it.
        void RayleighRitz()
        {
            int size = processed;
            var symmetric = new double[size * size];
            for (int i = 0; i < size; i++)
                for (int k = 0; k < size; k++)
                    symmetric[i * size + k] = 0.5 * (h[i, k] + h[k, i]);
            using (var projected = torch.tensor(symmetric, new long[] { size, size }, ScalarType.Float64))
            {
                var (values, vectors) = torch.linalg.eigh(projected);
                using (values)
                using (vectors)
                {
                    theta = values.data<double>().ToArray();
                    s = vectors.data<double>().ToArray();
                }
            }
            order = Priority(theta, o.Which);
            scale = Math.Max(scale, theta.Max(Math.Abs));
            estimates = new double[Math.Min(count, order.Length)];
            for (int w = 0; w < estimates.Length; w++)
            {
                int j = order[w];
                double sum = 0;
                for (int i = 0; i < basis; i++)
                {
                    double r = i < size ? -theta[j] * s[i * size + j] : 0;
                    for (int l = 0; l < size; l++) r += h[i, l] * s[l * size + j];
                    sum += r * r;
                }
                estimates[w] = Math.Sqrt(sum) + lost;
            }
            converged = processed >= judgedFrom && estimates.All(e => e <= o.Tolerance * scale);
            // The restarts' bound on what they dropped grows with every restart (by the operator's float32 asymmetry,
            // for one); when it alone stands between the estimates and the tolerance, the wanted pairs' true residuals
            // are measured instead, at k products, once per restart cycle.
            if (!converged && lost > 0 && processed >= judgedFrom && verifiedAtRestart != restarts
                && estimates.All(e => e - lost <= o.Tolerance * scale))
            {
                verifiedAtRestart = restarts;
                converged = TrueResidualsMeetTolerance();
            }
        }

        while (true)
        {
            while (processed < m && processed < basis)
            {
                using var stepScope = torch.NewDisposeScope();
                int pc = Math.Min(p, Math.Min(basis - processed, m - processed));
                var product = op.Apply(pc == 1 ? q[processed] : q.narrow(0, processed, pc).t()).to(ScalarType.Float64, device);
                products += pc;
                for (int c = 0; c < pc; c++)
                {
                    using var inner = torch.NewDisposeScope();
                    int column = processed + c;
                    var w = pc == 1 ? product : product[.., c];
                    double wNorm = w.norm().ReadDouble();
                    if (!double.IsFinite(wNorm))
                        throw new InvalidOperationException(
                            $"The operator {op.GetType().Name} returned non-finite values (after {products} products); its matrix has NaN or infinite entries.");
                    maxProductNorm = Math.Max(maxProductNorm, wNorm);
                    var (coefficients, rest, norm) = Orthogonalise(w, wNorm);
                    for (int i = 0; i < coefficients.Length; i++) h[i, column] = coefficients[i];
                    if (basis >= capacity) continue; // the basis spans the whole space; the rest is rounding
                    if (norm > 1e-10 * maxProductNorm && norm > 0)
                    {
                        KeptScalars.DivideInPlace(q[basis].copy_(rest), norm);
                        h[basis, column] = norm;
                        basis++;
                    }
                    else
                    {
                        AppendRandom(); // invariant subspace: continue in a fresh direction, coupling zero
                        if (!leftInvariantStart) judgedFrom = Math.Max(judgedFrom, JudgedFrom(basis - 1));
                        leftInvariantStart = true;
                    }
                }
                processed += pc;
                // Checked after every product (a small dense eigenproblem), so the solve stops at the first product
                // that meets the tolerance rather than at the end of a restart cycle.
                if (processed >= judgedFrom)
                {
                    RayleighRitz();
                    if (converged) break;
                }
            }
            if (converged || processed == basis || restarts >= o.MaxRestarts) break;

            // Thick restart (Wu & Simon): keep the r best Ritz vectors Y = Q S_r and the unprocessed vectors. With
            // B = h[:processed, :processed], A Y = Y (S_rᵀ B S_r) + Q_unprocessed (h_below S_r) + Q (I − S_r S_rᵀ) B S_r;
            // the last term is rounding for a symmetric operator and is carried as a bound in the estimates.
            int kept = Math.Min(Math.Max(count, Math.Min(m - 2 * p, (count + m) / 2)), processed);
            int size = processed, unprocessed = basis - processed;
            var sr = new double[size, kept];
            for (int i = 0; i < size; i++)
                for (int c = 0; c < kept; c++)
                    sr[i, c] = s[i * size + order[c]];
            var bs = Multiply(h, 0, size, size, sr, kept);
            var top = new double[kept, kept];
            for (int a = 0; a < kept; a++)
                for (int b = 0; b < kept; b++)
                {
                    double sum = 0;
                    for (int i = 0; i < size; i++) sum += sr[i, a] * bs[i, b];
                    top[a, b] = sum;
                }
            double dropped = 0;
            for (int i = 0; i < size; i++)
                for (int b = 0; b < kept; b++)
                {
                    double r = bs[i, b];
                    for (int a = 0; a < kept; a++) r -= sr[i, a] * top[a, b];
                    dropped += r * r;
                }
            lost += Math.Sqrt(dropped);
            var coupling = Multiply(h, size, unprocessed, size, sr, kept);
            using (var restartScope = torch.NewDisposeScope())
            {
                var srT = new double[kept * size];
                for (int i = 0; i < size; i++)
                    for (int c = 0; c < kept; c++)
                        srT[c * size + i] = sr[i, c];
                var y = torch.mm(torch.tensor(srT, new long[] { kept, size }, ScalarType.Float64).to(device), q.narrow(0, 0, size));
                var rest = q.narrow(0, size, unprocessed).clone();
                q.narrow(0, 0, kept).copy_(y);
                if (unprocessed > 0) q.narrow(0, kept, unprocessed).copy_(rest);
            }
            Array.Clear(h);
            for (int a = 0; a < kept; a++)
                for (int b = 0; b < kept; b++)
                    h[a, b] = top[a, b];
            for (int i = 0; i < unprocessed; i++)
                for (int b = 0; b < kept; b++)
                    h[kept + i, b] = coupling[i, b];
            processed = kept;
            basis = kept + unprocessed;
            restarts++;
            judgedFrom = JudgedFrom(0); // the cycle that ended reached its requirement (it filled the basis)
        }

        if (processed < count || theta.Length != processed) RayleighRitz();
        var wantedPairs = order.Take(count).ToArray();
        var x = RitzVectors(wantedPairs);
        var lambda = wantedPairs.Select(i => theta[i]).ToArray();
        double[]? residuals = null;
        if (o.ComputeResiduals)
        {
            residuals = TrueResiduals(op, x, lambda);
            products += count;
            converged &= residuals.All(res => res <= o.ResidualTolerance * scale);
        }
        if (!o.ComputeVectors) x = torch.zeros(new[] { n, 0L }, ScalarType.Float64, device);
        return new EigenpairResult(lambda, x.MoveToOuterDisposeScope(), estimates, residuals, scale, converged, products, restarts, direct: false);
    }

    // a[row0 .. row0 + rows, :inner] · b[:inner, :columns], for the small projected matrices.
    private static double[,] Multiply(double[,] a, int row0, int rows, int inner, double[,] b, int columns)
    {
        var result = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int l = 0; l < inner; l++)
            {
                double v = a[row0 + i, l];
                if (v == 0) continue;
                for (int c = 0; c < columns; c++) result[i, c] += v * b[l, c];
            }
        return result;
    }
}
