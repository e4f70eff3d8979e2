# ROC curves: list is a file of "datafile<TAB>title" lines; each datafile holds
# "fpr tpr threshold" rows (ad-auroc -r).
set terminal @term
set output out
set title title
set xlabel "false positive rate"
set ylabel "true positive rate"
set size square
set xrange [0:1]
set yrange [0:1]
set grid
set key bottom right
n = int(system("wc -l < '".list."'"))
f(i) = system("sed -n ".i."p '".list."' | cut -f1")
t(i) = system("sed -n ".i."p '".list."' | cut -f2")
plot for [i=1:n] f(i) using 1:2 with lines lw 2 title t(i), \
     x with lines dt 2 lc "gray" notitle
