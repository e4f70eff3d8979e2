# ROC curves: list is a file of "datafile<TAB>title<TAB>colour" lines; each datafile holds
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
set key outside right top
n = int(system("wc -l < '".list."'"))
f(i) = system("sed -n ".i."p '".list."' | cut -f1")
t(i) = system("sed -n ".i."p '".list."' | cut -f2")
c(i) = system("sed -n ".i."p '".list."' | cut -f3")
plot for [i=1:n] f(i) using 1:2 with lines lw 2 lc rgb c(i) title t(i), \
     x with lines dt 2 lc "gray" notitle
