use cement::App;

#[cement::main(label = 3)]
fn main(app: &App) {
    println!("{}", app.label());
}
