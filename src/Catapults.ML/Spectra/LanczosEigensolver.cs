using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

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
/// Convergence is judged after every product from the Ritz residual estimates ‖h s − θ s‖ (which equal ‖A x − θ x‖ on
/// the orthonormal basis, and include any asymmetry of the operator), so no product is spent on checks; the solve stops
/// at the first product at which all wanted pairs meet <see cref="LanczosOptions.Tolerance"/>. When the basis is full,
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

    private static Tensor? CheckStart(Tensor? start, long n)
    {
        if (start is null) return null;
        if (!(start.dim() == 1 || start.dim() == 2) || start.shape[0] != n)
            throw new ArgumentException($"Start vectors must be [{n}] or [{n}, j], got [{string.Join(", ", start.shape)}].", nameof(start));
        if (!start.is_floating_point())
            throw new ArgumentException($"Start vectors must be floating point, got {start.dtype}.", nameof(start));
        return start;
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
        var a = op.ToDense().to(ScalarType.Float64);
        // LAPACK on NaN or infinite entries fails inside libtorch; say what is wrong instead.
        if (!torch.isfinite(a).all().ToBoolean())
            throw new InvalidOperationException($"The operator {op.GetType().Name} has non-finite entries; its matrix has NaN or infinite values.");
        if (!o.ComputeVectors)
        {
            var all = torch.linalg.eigvalsh(a).cpu().data<double>().ToArray();
            var picked = Priority(all, o.Which).Take(count).Select(i => all[i]).ToArray();
            double norm = all.Length == 0 ? 0 : all.Max(Math.Abs);
            var none = torch.zeros(new[] { op.Dimension, 0L }, ScalarType.Float64, a.device);
            return new EigenpairResult(picked, none.MoveToOuterDisposeScope(), new double[count], null, norm, true, 0, 0, direct: true);
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
            residuals = ColumnResiduals(a.mm(x), x, lambda);
            converged = residuals.All(r => r <= o.ResidualTolerance * scale);
        }
        return new EigenpairResult(lambda, x.MoveToOuterDisposeScope(), new double[count], residuals, scale, converged, 0, 0, direct: true);
    }

    private static double[] ColumnResiduals(Tensor ax, Tensor x, double[] lambda)
    {
        using var scope = torch.NewDisposeScope();
        var l = torch.tensor(lambda, ScalarType.Float64, x.device);
        return torch.linalg.vector_norm(torch.addcmul(ax, x, l.unsqueeze(0), value: -1), dims: new long[] { 0 })
            .cpu().data<double>().ToArray();
    }

    private static EigenpairResult SolveIterative(LinearOperator op, int count, LanczosOptions o, Tensor? start)
    {
        long n = op.Dimension;
        var device = op.Device;
        int p = (int)Math.Min(o.BlockSize ?? 1, n);
        int m = o.MaxBasisSize ?? Math.Max(60, 2 * count + 4 * p);
        m = (int)Math.Min(Math.Max(m, count + 2 * p), n);
        int capacity = (int)Math.Min(m + p, n);

        using var generator = Seeding.TorchGenerator(o.Seed, Seeding.Stream.Diagnostics);
        // Basis vectors are rows, so each is contiguous and the projections are plain matrix-vector products.
        var q = torch.zeros(new[] { (long)capacity, n }, ScalarType.Float64, device);
        // h[i, j] is the coefficient of q_i in A q_j: A Q_processed = Q_basis h[:basis, :processed] (+ what restarts dropped).
        var h = torch.zeros(new long[] { capacity, capacity }, ScalarType.Float64);
        int basis = 0;

        Tensor RandomVector() => torch.randn(new[] { n }, ScalarType.Float64, generator: generator).to(device);

        // Orthogonalises w against the basis (classical Gram–Schmidt, repeated when the first pass cancelled more
        // than half of w: the DGKS criterion), returning the coefficients and w's remaining part.
        (Tensor Coefficients, Tensor Remainder) Orthogonalise(Tensor w)
        {
            if (basis == 0) return (torch.zeros(0, ScalarType.Float64, device), w);
            var qb = q.narrow(0, 0, basis);
            var c = torch.mv(qb, w);
            var rest = torch.addmv(w, qb.t(), c, beta: 1, alpha: -1);
            if (rest.norm().ToDouble() < 0.7071 * w.norm().ToDouble())
            {
                var c2 = torch.mv(qb, rest);
                rest = torch.addmv(rest, qb.t(), c2, beta: 1, alpha: -1);
                c = c + c2;
            }
            return (c, rest);
        }

        // Appends a random unit vector orthogonal to the basis (after an invariant subspace was found).
        void AppendRandom()
        {
            for (int attempt = 0; attempt < 3 && basis < capacity; attempt++)
            {
                using var inner = torch.NewDisposeScope();
                var (_, rest) = Orthogonalise(RandomVector());
                double norm = rest.norm().ToDouble();
                if (norm > 1e-8)
                {
                    q[basis] = rest / norm;
                    basis++;
                    return;
                }
            }
        }

        // The first block of p vectors. Warm-start columns beyond p are folded in (each unit column added to start
        // vector i mod p): a single start vector that mixes the previous eigenvectors spans them after as many steps
        // as there are columns, at one product per step, where a block as wide as the warm start costs its width per step.
        if (start is not null)
        {
            using var startScope = torch.NewDisposeScope();
            var columns = (start.dim() == 1 ? start.unsqueeze(1) : start).to(ScalarType.Float64, device);
            if (!torch.isfinite(columns).all().ToBoolean())
                throw new ArgumentException("Start vectors contain non-finite values.", nameof(start));
            var norms = torch.linalg.vector_norm(columns, dims: new long[] { 0 }, keepdim: true);
            var unit = columns / torch.where(norms > 0, norms, torch.ones_like(norms));
            long j = unit.shape[1];
            for (int c = 0; c < p && c < j; c++)
            {
                using var inner = torch.NewDisposeScope();
                using var index = torch.arange(c, j, p, ScalarType.Int64, device);
                var w = unit.index_select(1, index).sum(1L);
                double before = w.norm().ToDouble();
                var (_, rest) = Orthogonalise(w);
                double norm = rest.norm().ToDouble();
                if (norm > 1e-8 * before && norm > 0)
                {
                    q[basis] = rest / norm;
                    basis++;
                }
            }
        }
        while (basis < p) AppendRandom();

        int processed = 0, products = 0, restarts = 0;
        double scale = 0, maxProductNorm = 0, lost = 0;
        double[] theta = Array.Empty<double>();
        // The Ritz vectors of the projected matrix outlive the step scopes they are computed in.
        Tensor s = torch.zeros(0, 0, ScalarType.Float64).DetachFromDisposeScope();
        int[] order = Array.Empty<int>();
        double[] estimates = Array.Empty<double>();
        bool converged = false;

        // Ritz pairs of the symmetrised projection, and for each wanted pair the residual norm ‖A x − θ x‖ read off the
        // full coefficient matrix, ‖h[:basis, :processed] s − θ s‖ (exact, since the basis is orthonormal), plus what
        // thick restarts dropped: no operator product, and an operator that is not symmetric shows up in it.
        void RayleighRitz()
        {
            using var inner = torch.NewDisposeScope();
            var t = h.narrow(0, 0, processed).narrow(1, 0, processed);
            var (values, vectors) = torch.linalg.eigh((t + t.t()) * 0.5);
            theta = values.data<double>().ToArray();
            var previous = s;
            s = vectors.DetachFromDisposeScope();
            previous.Dispose();
            order = Priority(theta, o.Which);
            scale = Math.Max(scale, theta.Max(Math.Abs));
            int k = Math.Min(count, order.Length);
            using var wantedIndex = torch.tensor(order.Take(k).Select(i => (long)i).ToArray(), ScalarType.Int64);
            var sw = s.index_select(1, wantedIndex);
            var r = torch.mm(h.narrow(0, 0, basis).narrow(1, 0, processed), sw);
            r.narrow(0, 0, processed).sub_(sw * torch.tensor(order.Take(k).Select(i => theta[i]).ToArray(), ScalarType.Float64).unsqueeze(0));
            estimates = torch.linalg.vector_norm(r, dims: new long[] { 0 }).data<double>().Select(e => e + lost).ToArray();
            converged = processed >= count && estimates.All(e => e <= o.Tolerance * scale);
        }

        try
        {
        while (true)
        {
            while (processed < m && processed < basis)
            {
                using var stepScope = torch.NewDisposeScope();
                int pc = Math.Min(p, Math.Min(basis - processed, m - processed));
                var product = op.Apply(q.narrow(0, processed, pc).t()).to(ScalarType.Float64, device);
                products += pc;
                if (!torch.isfinite(product).all().ToBoolean())
                    throw new InvalidOperationException(
                        $"The operator {op.GetType().Name} returned non-finite values (after {products} products); its matrix has NaN or infinite entries.");
                for (int c = 0; c < pc; c++)
                {
                    using var inner = torch.NewDisposeScope();
                    int column = processed + c;
                    var w = product[.., c];
                    maxProductNorm = Math.Max(maxProductNorm, w.norm().ToDouble());
                    var (coefficients, rest) = Orthogonalise(w);
                    if (basis > 0) h.narrow(0, 0, basis)[.., column].copy_(coefficients.cpu());
                    if (basis >= capacity) continue; // the basis spans the whole space; the rest is rounding
                    double norm = rest.norm().ToDouble();
                    if (norm > 1e-10 * maxProductNorm && norm > 0)
                    {
                        q[basis] = rest / norm;
                        h[basis, column] = norm;
                        basis++;
                    }
                    else
                    {
                        AppendRandom(); // invariant subspace: continue in a fresh direction, coupling zero
                    }
                }
                processed += pc;
                // Checked after every product (a few small dense operations), so the solve stops at the first
                // product that meets the tolerance rather than at the end of a restart cycle.
                if (processed >= count)
                {
                    RayleighRitz();
                    if (converged) break;
                }
            }
            if (converged || processed == basis || restarts >= o.MaxRestarts) break;

            // Thick restart (Wu & Simon): keep the r best Ritz vectors Y = Q S_r and the unprocessed vectors. With
            // B = h[:processed, :processed], A Y = Y (S_rᵀ B S_r) + Q_unprocessed (h_below S_r) + Q (I − S_r S_rᵀ) B S_r;
            // the last term is rounding for a symmetric operator and is carried as a bound in the estimates.
            int r = Math.Max(count, Math.Min(m - 2 * p, (count + m) / 2));
            r = Math.Min(r, processed);
            int u = basis - processed;
            using (var restartScope = torch.NewDisposeScope())
            {
                using var keepIndex = torch.tensor(order.Take(r).Select(i => (long)i).ToArray(), ScalarType.Int64);
                var sk = s.index_select(1, keepIndex);
                var top = h.narrow(0, 0, processed).narrow(1, 0, processed);
                var bs = torch.mm(top, sk);
                var projected = torch.mm(sk.t(), bs);
                lost += torch.linalg.norm(bs - torch.mm(sk, projected)).ToDouble();
                var y = torch.mm(sk.t().to(device), q.narrow(0, 0, processed));
                var unprocessed = q.narrow(0, processed, u).clone();
                var coupling = torch.mm(h.narrow(0, processed, u).narrow(1, 0, processed), sk);
                q.zero_();
                q.narrow(0, 0, r).copy_(y);
                if (u > 0) q.narrow(0, r, u).copy_(unprocessed);
                h.zero_();
                h.narrow(0, 0, r).narrow(1, 0, r).copy_(projected);
                if (u > 0) h.narrow(0, r, u).narrow(1, 0, r).copy_(coupling);
            }
            processed = r;
            basis = r + u;
            restarts++;
        }

        if (processed < count || theta.Length != processed) RayleighRitz();
        }
        catch
        {
            s.Dispose();
            throw;
        }
        var wanted = order.Take(count).ToArray();
        using var wantedIndex = torch.tensor(wanted.Select(i => (long)i).ToArray(), ScalarType.Int64);
        var x = torch.mm(q.narrow(0, 0, processed).t(), s.index_select(1, wantedIndex).to(device));
        s.Dispose();
        var lambda = wanted.Select(i => theta[i]).ToArray();
        double[]? residuals = null;
        if (o.ComputeResiduals)
        {
            residuals = ColumnResiduals(op.Apply(x).to(ScalarType.Float64, device), x, lambda);
            products += count;
            converged &= residuals.All(res => res <= o.ResidualTolerance * scale);
        }
        if (!o.ComputeVectors) x = torch.zeros(new[] { n, 0L }, ScalarType.Float64, device);
        return new EigenpairResult(lambda, x.MoveToOuterDisposeScope(), estimates, residuals, scale, converged, products, restarts, direct: false);
    }
}
