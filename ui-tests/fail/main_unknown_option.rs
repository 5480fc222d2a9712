use cement::App;

#[cement::main(exit_on_clsoe = true)]
fn main(app: &App) {
    println!("{}", app.label());
}
