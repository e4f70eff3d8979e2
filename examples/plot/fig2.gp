# Figure 2: the GA loss L(s) = |a-2|/a ((s/(c^2 |a-2|) + 1)^(a/2) - 1), c^2 = 0.5, of the squared
# error s, and its slope dL/ds, for the shapes the heterogeneous loss uses (alpha in [alpha_r, 2]).
set terminal @term
set output out
c2 = 0.5
L(s, a) = a == 2 ? 0.5 * s / c2 : a == 0 ? log(0.5 * s / c2 + 1) : \
          abs(a - 2) / a * ((s / (c2 * abs(a - 2)) + 1) ** (a / 2) - 1)
D(s, a) = a == 2 ? 0.5 / c2 : 0.5 / c2 * (s / (c2 * abs(a - 2)) + 1) ** (a / 2 - 1)
set multiplot layout 1,2 title "GA loss of the squared error s (c = sqrt(0.5)) for varying alpha"
set xlabel "squared error s"
set ylabel "L_{GA}(s, alpha)"
set key top left
set grid
set xrange [0:5]
set samples 400
plot for [a in "2 1.5 1 0 -2"] L(x, real(a)) with lines lw 2 title "alpha = ".a
set ylabel "slope dL/ds (weight of the sample's gradient)"
set key top right
set yrange [0:1.05]
plot for [a in "2 1.5 1 0 -2"] D(x, real(a)) with lines lw 2 title "alpha = ".a
unset multiplot
